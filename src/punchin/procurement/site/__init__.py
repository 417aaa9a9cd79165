"""The site frame: base template, stylesheet, home page and the demo seed command."""
