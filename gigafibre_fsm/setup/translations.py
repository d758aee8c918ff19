"""The app's translations live in gettext catalogues (locale/fr.po), which Frappe v15 and v16
load from the .mo files that `bench build` compiles into sites/assets/locale. Compiling them
after install and migrate as well means a site has its French without a build."""

from frappe.gettext.translate import compile_translations


def compile_catalogues() -> None:
	compile_translations("gigafibre_fsm")
