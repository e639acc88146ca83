docker compose --profile observability up -d
