"""The DfE code lists the in-year readers map values onto, with the descriptions stored instead.

Case management systems store some codes as descriptions (SystemC's SSD tables hold
``CARE_REASON_DESC`` where the SSDA903 has RNE). Each table lists the codes of the DfE
return (SSDA903 guide; CIN census guide) and the descriptions known to stand for them: the
guides' own wording, and local texts seen in the sector's SSD scripts only where the code
they stand for is certain. Anything else is reported, never guessed; a council maps its own
texts with the readers' ``codes=`` argument.
"""

from safeguarding_metrics.io._extract import CodeTable
from safeguarding_metrics.io._ssda903_tables import (
    ACTIVITY_CODES,
    IN_TOUCH_CODES,
    LEGAL_STATUS_CODES,
    PLACEMENT_CODES,
    REASON_CEASED_CODES,
    REASON_NEW_CODES,
    REVIEW_CODES,
)

__all__ = [
    "ABUSE_CATEGORY",
    "ACCOMMODATION_LETTER",
    "ACTIVITY",
    "CLOSURE_REASON",
    "CODE_TABLES",
    "IN_TOUCH",
    "LEGAL_STATUS",
    "PARTICIPATION",
    "PLACEMENT",
    "PRIMARY_NEED",
    "REASON_CEASED",
    "REASON_NEW",
    "REFERRAL_SOURCE",
    "SUITABILITY",
]

REASON_NEW = CodeTable(
    "reason for new episode (RNE)",
    REASON_NEW_CODES,
    {
        "Started to be looked after": "S",
        "Change of legal status only": "L",
        "Change of placement and carer(s) only": "P",
        "Change of placement and carers only": "P",
        "Change of placement (but same carer(s)) only": "T",
        "Change of placement but same carers only": "T",
        "Change of legal status and placement and carer(s) at the same time": "B",
        "Change of legal status and change of placement (but same carer(s)) at the same time": "U",
    },
)

LEGAL_STATUS = CodeTable(
    "legal status (LS)",
    LEGAL_STATUS_CODES,
    {
        "Interim care order": "C1",
        "Full care order": "C2",
        "Freeing order granted": "D1",
        "Placement order granted": "E1",
        "Single period of accommodation under section 20 (Children Act 1989)": "V2",
        "Single period of accommodation under section 20": "V2",
        "Accommodated under an agreed series of short-term breaks, when individual episodes "
        "of care are recorded": "V3",
        "Accommodated under an agreed series of short-term breaks, when agreements are "
        "recorded (NOT individual episodes of care)": "V4",
        "Under police protection and in local authority accommodation": "L1",
        "Emergency protection order (EPO)": "L2",
        "Emergency protection order": "L2",
        "Under child assessment order and in local authority accommodation": "L3",
        "Remanded to local authority accommodation or to youth detention accommodation": "J1",
        # Local texts of SystemC's lookup (D2I's Annex A script filters on them).
        "Interim care order Sec. 38(1)": "C1",
        "Care Order Sec. 31(a)": "C2",
        "Placement Order (Sec. 21)": "E1",
        "Single placement acc. by LA S20(1) CA under 16": "V2",
    },
)

PLACEMENT = CodeTable(
    "placement type (PLACE)",
    PLACEMENT_CODES,
    {
        "Foster placement with relative(s) or friend(s) - long term fostering": "U1",
        "Foster placement with other foster carer(s) - long term fostering": "U4",
        "Placed with own parent(s) or other person(s) with parental responsibility": "P1",
        "Children's Homes subject to Children's Homes Regulations": "K2",
        "Secure children's homes": "K1",
        "Residential care home": "R1",
        "Young offender institution (YOI)": "R5",
        "Family centre or mother and baby unit": "R3",
        "Residential employment": "P3",
        "Temporary periods in hospital": "T1",
        "Temporary absences of the child on holiday": "T2",
        "Temporary accommodation whilst normal foster carer(s) is/are on holiday": "T3",
        "Semi-independent living accommodation not subject to children's homes regulations": "H5",
    },
)

REASON_CEASED = CodeTable(
    "reason episode ceased (REC)",
    REASON_CEASED_CODES,
    {
        "Episode ceases, and new episode begins on same day, for any reason": "X1",
        "Episode ceases and new episode begins on same day for any reason": "X1",
        "Died": "E2",
        "Care taken over by another local authority in the UK": "E3",
        "Sentenced to custody": "E9",
        "Accommodation on remand ended": "E14",
        "Child moved abroad": "E16",
        "Adopted - application for an adoption order unopposed": "E11",
        "Adopted - consent dispensed with by the court": "E12",
        "Transferred to residential care funded by adult social care services": "E7",
        "Aged 18 (or over) and remained with current carers (inc under staying put arrangements)": "E17",
        "Period of being looked after ceased for any other reason (where none of the other "
        "reasons apply)": "E8",
    },
)

ABUSE_CATEGORY = CodeTable(
    "category of abuse",
    frozenset({"NEG", "PHY", "SAB", "EMO", "MUL"}),
    {
        "Neglect": "NEG",
        "Physical abuse": "PHY",
        "Physical": "PHY",
        "Sexual abuse": "SAB",
        "Sexual": "SAB",
        "Emotional abuse": "EMO",
        "Emotional": "EMO",
        "Multiple": "MUL",
        "Multiple categories": "MUL",
        "Mixed": "MUL",
    },
)

PRIMARY_NEED = CodeTable(
    "primary need",
    frozenset(f"N{n}" for n in range(10)),
    {
        "Abuse or neglect": "N1",
        "Child's disability": "N2",
        "Childs disability": "N2",
        "Parental illness or disability": "N3",
        "Family in acute stress": "N4",
        "Family dysfunction": "N5",
        "Socially unacceptable behaviour": "N6",
        "Low income": "N7",
        "Absent parenting": "N8",
        "Cases other than children in need": "N9",
        "Not stated": "N0",
    },
)

CLOSURE_REASON = CodeTable("reason for closure", frozenset(f"RC{n}" for n in range(1, 10)), {})

REFERRAL_SOURCE = CodeTable(
    "referral source",
    frozenset(
        {"1A", "1B", "1C", "1D", "2A", "2B", "3A", "3B", "3C", "3D", "3E", "3F"}
        | {"4", "5A", "5B", "5C", "5D", "6", "7", "8", "9", "10"}
    ),
    {"Anonymous": "9", "Unknown": "10"},
)

IN_TOUCH = CodeTable(
    "care leaver in touch (IN_TOUCH)",
    IN_TOUCH_CODES,
    {
        "Yes": "YES",
        "No": "NO",
        "Died": "DIED",
        "Young person refuses contact": "REFU",
        "Refused": "REFU",
        "No longer required": "NREQ",
        "Returned home": "RHOM",
    },
)

ACTIVITY = CodeTable(
    "care leaver activity (ACTIV)",
    ACTIVITY_CODES,
    {"Not applicable": "0"},
)

ACCOMMODATION_LETTER = CodeTable(
    "care leaver accommodation (the letter of ACCOM)",
    frozenset("BCDEGHKRSTUVWXYZ") | frozenset({"0"}),
    {
        "With parents or relatives": "B",
        "Community home or other form of residential care": "C",
        "Semi-independent, transitional accommodation": "D",
        "Supported lodgings": "E",
        "Gone abroad": "G",
        "Deported": "H",
        "Ordinary lodgings, without formal support": "K",
        "Residence not known": "R",
        "No fixed abode / homeless": "S",
        "Foyers": "T",
        "Independent living": "U",
        "Emergency accommodation": "V",
        "Bed and breakfast": "W",
        "In custody": "X",
        "Other accommodation": "Y",
        "With former foster carers": "Z",
    },
)

SUITABILITY = CodeTable(
    "accommodation suitability",
    frozenset({"1", "2"}),
    {"Suitable": "1", "Unsuitable": "2", "Not suitable": "2"},
)

PARTICIPATION = CodeTable(
    "review participation (REVIEW_CODE)",
    REVIEW_CODES,
    {
        "Child aged under 4 at the time of the review": "PN0",
        "Child physically attends and speaks for him or herself": "PN1",
        "Child physically attends and an advocate speaks on his or her behalf": "PN2",
        "Child attends and conveys his or her view symbolically (non-verbally)": "PN3",
        "Child does not attend physically but briefs an advocate to speak for him or her": "PN5",
        "Child does not attend but conveys his or her feelings to the review by a "
        "facilitative medium": "PN6",
        "Child does not attend nor are his or her views conveyed to the review": "PN7",
    },
)

CODE_TABLES: dict[str, CodeTable] = {
    "reason_new": REASON_NEW,
    "legal_status": LEGAL_STATUS,
    "placement": PLACEMENT,
    "reason_ceased": REASON_CEASED,
    "category": ABUSE_CATEGORY,
    "primary_need": PRIMARY_NEED,
    "closure_reason": CLOSURE_REASON,
    "source": REFERRAL_SOURCE,
    "in_touch": IN_TOUCH,
    "activity": ACTIVITY,
    "accommodation": ACCOMMODATION_LETTER,
    "suitability": SUITABILITY,
    "participation": PARTICIPATION,
}
"""The code tables by the name a reader's ``codes=`` argument gives them."""
