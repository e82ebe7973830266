"""Developer tooling: the local stack and the test harness, both derived from the synthesised template.

Not shipped to Lambda. `template` reads cdk.out, `provision` creates the same resources in
moto, `lambdas` runs functions in-process (API events, Step Functions tasks, streams),
`server` is `make dev`.
"""
