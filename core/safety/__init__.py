"""Safety first: urgent situations, the helplines that answer them, the words that reveal them."""
