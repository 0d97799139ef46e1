"""Scale-out tests: two Rasa replicas behind a balancer, PostgreSQL and Redis (scripts/scaleout_test.sh)."""
