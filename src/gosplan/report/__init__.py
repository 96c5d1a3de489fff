"""Tables, figures and documents made from results (no computation of their own)."""
