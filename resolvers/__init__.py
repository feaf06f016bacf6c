"""Answers: entity linking, retrieval, fused ranking, synthesis."""
