"""The exhibit: a guided tour of the First Five-Year Plan, served on the local machine."""
