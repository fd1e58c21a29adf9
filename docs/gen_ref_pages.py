"""Write one reference page per registered indicator, from its definition card."""

import mkdocs_gen_files

from safeguarding_metrics import INDICATORS

with mkdocs_gen_files.open("reference/indicators/index.md", "w") as index:
    index.write("# Indicators\n\n")
    index.write("| id | title | polarity | legacy codes |\n|---|---|---|---|\n")
    for card in INDICATORS.values():
        index.write(
            f"| [`{card.id}`]({card.id}.md) | {card.title} | {card.polarity.value} "
            f"| {', '.join(card.legacy_codes)} |\n"
        )

for card in INDICATORS.values():
    with mkdocs_gen_files.open(f"reference/indicators/{card.id}.md", "w") as page:
        page.write(card.to_markdown())
