"""dsos-check: is a Docker Hub namespace eligible for the Docker-Sponsored Open Source program?"""

__version__ = "0.1.0"
