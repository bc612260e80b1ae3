import { App } from "aws-cdk-lib";
import { DunStack, type DunStackProps } from "../../infra/dun-stack.ts";

/**
 * The stack as the tests see it. Bundling is skipped (`aws:cdk:bundling-stacks` = []): the tests
 * check the templates, and `npm run synth` builds the real bundles.
 */
export function testStack(props: Partial<DunStackProps> = {}): DunStack {
  const app = new App({ context: { "aws:cdk:bundling-stacks": [] } });
  return new DunStack(app, "Test", {
    production: false,
    senderDomain: "example.com",
    env: { account: "123456789012", region: "eu-north-1" },
    ...props,
  });
}
