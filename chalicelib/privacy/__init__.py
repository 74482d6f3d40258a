"""The holder's privacy rights (LGPDPPSO): the privacy notice, ARCO requests, the export of
everything held about them, and what a granted request changes."""
