"""The indicator families: one module per family, each defining its cards."""
