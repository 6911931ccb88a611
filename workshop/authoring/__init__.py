"""Authoring in the web (issue 12): programmes, themes, sessions, speakers, agenda items, question
sets and questions in forms, under ``/admin/``, with the session files' rules."""
