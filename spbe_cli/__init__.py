"""spbe: a Pemda's SPBE documents as code (Arsitektur SPBE, Peta Rencana, Smart City master plan)."""

__version__ = "0.1.0"
