import { Construct } from "constructs";
import { TerraformResource, type ITerraformIterator } from "cdktf";

export interface ReplacementTriggerProps {
  /** One trigger per member: keyed by VM name, like the clones. */
  readonly forEach: ITerraformIterator;
  /**
   * What replaces the trigger (and with it the clone that names it in `replace_triggered_by`)
   * when it changes; a Terraform expression such as `${each.value}`.
   */
  readonly triggersReplace: string;
}

/**
 * Terraform's built-in `terraform_data` resource (Terraform 1.4+, OpenTofu 1.6+), holding
 * `triggers_replace` only. cdktf's own `DataResource` builds the same JSON, but adds a
 * validation that runs `terraform version` at every synth, once per resource: a child process
 * per group (seconds for a big lab), and a failed synth where Terraform is not installed.
 */
export class ReplacementTrigger extends TerraformResource {
  public static readonly tfResourceType = "terraform_data";
  private readonly triggersReplace: string;

  constructor(scope: Construct, id: string, props: ReplacementTriggerProps) {
    super(scope, id, {
      terraformResourceType: ReplacementTrigger.tfResourceType,
      // The built-in provider: no provider block is needed for it.
      terraformGeneratorMetadata: { providerName: "terraform" },
      forEach: props.forEach,
    });
    this.triggersReplace = props.triggersReplace;
  }

  protected synthesizeAttributes(): { [name: string]: unknown } {
    return { triggers_replace: this.triggersReplace };
  }

  protected synthesizeHclAttributes(): { [name: string]: unknown } {
    return {
      triggers_replace: { value: this.triggersReplace, isBlock: false, type: "simple", storageClassType: "string" },
    };
  }
}
