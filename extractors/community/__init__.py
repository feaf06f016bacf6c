"""Community Q&A: Stack Exchange dumps and forum exports -> threads and answers."""
