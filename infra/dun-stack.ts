import { Stack, type StackProps } from "aws-cdk-lib";
import type { Construct } from "constructs";
import { Data } from "./constructs/data.ts";

export interface DunStackProps extends StackProps {
  readonly production: boolean;
}

/** dun in one stack, composed of named constructs; later issues add api, dispatch, sending, events and alarms. */
export class DunStack extends Stack {
  readonly data: Data;

  constructor(scope: Construct, id: string, props: DunStackProps) {
    super(scope, id, props);
    this.data = new Data(this, "Data", { production: props.production });
  }
}
