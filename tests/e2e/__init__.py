"""End-to-end tests: the installed CLI against the fake Docker Hub."""
