// Real-engine tests pull nothing but still create networks, containers and wait for health checks.
jest.setTimeout(300_000);
