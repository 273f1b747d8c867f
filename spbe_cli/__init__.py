"""spbe: a Pemda's SPBE documents as code.

Arsitektur SPBE, Peta Rencana SPBE and the Smart City master plan, kept as a YAML catalog.
"""

__version__ = "0.1.0"
