"""The website: the public site (dist/site/) and the editor's view (dist/editorial/).

`render` writes the pages through templates/site/; `view` gives the templates their
finished values, `search` the search index, `indicators` and `charts` the indicator
pages.
"""
