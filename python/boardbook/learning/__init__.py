"""The learning and improvement tracker: recommendations from case reviews, audits and inspections, their RAG."""
