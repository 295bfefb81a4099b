"""Reading: the dictionary index, pinyin, the analysis of a clause into words with their readings, and readings
chosen in context (the grammar's rules, then the g2pM model)."""
