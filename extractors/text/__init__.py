"""Text handling shared by the extractors and the answer pipeline: segmentation,
language, glossary concepts, masking of personal data."""
