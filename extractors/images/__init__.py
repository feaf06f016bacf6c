"""Images: screenshots of errors read by OCR (Tesseract) -> text, codes and traces."""
