pytest_plugins = [
    "tests.fixtures.users",
    "tests.fixtures.services",
    "tests.fixtures.browser",
    "tests.fixtures.concurrency",
]
