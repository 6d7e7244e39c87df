"""Per-district data-quality reports by e-mail (Chinese HTML, failing rows attached)."""
