"""Live class sessions: a teacher poses a question, the class answers, the teacher reveals, the class votes again.

store.py keeps sessions (in this process, or in Redis for replicas); question.py says what is asked and how an
answer is graded and grouped; session.py holds the rules (who may change what, one answer per student per round).
"""
