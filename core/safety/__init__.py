"""Safety first: urgent situations, the helplines that answer them, and the words that reveal them."""
