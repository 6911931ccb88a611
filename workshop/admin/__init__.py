"""Organiser authoring: upload session files through a web form, download them back."""
