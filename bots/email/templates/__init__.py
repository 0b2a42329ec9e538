"""The e-mail layouts (``string.Template``): ``layout.html`` and ``layout.txt``."""
