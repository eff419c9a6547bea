"""Cross-cutting pieces every layer may use: settings, errors, identity."""
