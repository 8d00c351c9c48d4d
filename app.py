"""RNN Lab: the router. Page settings and the list of pages live in ui/router.py; each page in pages/."""

from ui import router

router.run()
