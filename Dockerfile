# The app in a slim Python 3.11 image: docker build -t rnnlab . && docker run -p 8501:8501 rnnlab
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    OPENBLAS_NUM_THREADS=1 \
    TF_CPP_MIN_LOG_LEVEL=3

WORKDIR /app
COPY requirements.txt .
RUN pip install -r requirements.txt && useradd --create-home --uid 10001 lab

COPY .streamlit .streamlit
COPY app.py ./
COPY rnnlab rnnlab
COPY ui ui
COPY pages pages
COPY lessons lessons
COPY examples examples

USER lab
# Keras's results kept across restarts (a volume here keeps them across containers too).
ENV RNNLAB_RESULTS=/home/lab/.cache/rnnlab-results
EXPOSE 8501
# Several replicas must share one cookie secret: docker run -e STREAMLIT_SERVER_COOKIE_SECRET=... (see deploy/).
HEALTHCHECK --interval=15s --timeout=3s --start-period=60s --retries=3 \
    CMD python -c "import urllib.request, sys; sys.exit(urllib.request.urlopen('http://127.0.0.1:8501/_stcore/health', timeout=2).read().strip() != b'ok')"
CMD ["python", "-m", "ui.serve", "--server.port=8501", "--server.address=0.0.0.0"]
