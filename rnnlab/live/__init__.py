"""Live class sessions: a teacher poses a question, the class votes, the teacher closes the vote, the class
votes again after the discussion, the teacher reveals.

store.py keeps sessions (in this process, or in Redis for replicas); question.py says what is asked and how an
answer is graded and grouped; typical.py gives each question its typical wrong answers and checks their hints;
session.py holds the rules (who may change what, one answer per browser per round, seats, how long a session
lives); limits.py bounds what one client may start or try; chart.py draws the class's answers; export.py writes
them as CSV.
"""
