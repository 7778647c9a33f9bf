"""Offline checks of the deploy artefacts: the Helm chart, the compose files, the Tiltfile, the
Dockerfiles and the CI/CD workflows (``make deploy-check``; ``make lint`` runs it).

Every check returns a list of :class:`Finding`; an empty list means the artefact passed. Nothing here
needs a Kubernetes cluster or a Docker engine.
"""
