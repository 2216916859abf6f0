"""One module per kind of page. Each page object loads the dataset once, computes its counts (glued for
the prose), and returns its figures (`display.Figure`: drawn, described and glued in one method) and its
tables (`tables`)."""
