from ninja import NinjaAPI

api = NinjaAPI(title="Ancrage API", version="1", urls_namespace="api")
