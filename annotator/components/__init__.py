"""The spaCy components: entity rules, document memory, claims, attribution, and their scorers."""
