import { Construct } from "constructs";
import { TerraformVariable } from "cdktf";
import { VsphereProvider } from "@cdktf/provider-vsphere/lib/provider";

export interface VsphereConnectionProps {
  /** vCenter server name (not secret). */
  readonly server: string;
  /**
   * Accept a self-signed certificate.
   * @default false
   */
  readonly allowUnverifiedSsl?: boolean;
}

/**
 * The vsphere provider. User and password come from the sensitive Terraform
 * variables `vsphere_user` and `vsphere_password` (set `TF_VAR_vsphere_user` and
 * `TF_VAR_vsphere_password`), never from literals in the synthesized JSON.
 */
export class VsphereConnection extends Construct {
  public readonly provider: VsphereProvider;
  public readonly user: TerraformVariable;
  public readonly password: TerraformVariable;

  constructor(scope: Construct, id: string, props: VsphereConnectionProps) {
    super(scope, id);
    if (props.server.trim() === "")
      throw new Error(`${this.node.path}: server is empty; name the vCenter server, e.g. vcenter.example.com`);
    this.user = new TerraformVariable(this, "user", {
      type: "string",
      sensitive: true,
      nullable: false,
      description: "vCenter user; set TF_VAR_vsphere_user",
    });
    this.user.overrideLogicalId("vsphere_user");
    this.password = new TerraformVariable(this, "password", {
      type: "string",
      sensitive: true,
      nullable: false,
      description: "vCenter password; set TF_VAR_vsphere_password",
    });
    this.password.overrideLogicalId("vsphere_password");
    this.provider = new VsphereProvider(this, "provider", {
      vsphereServer: props.server,
      allowUnverifiedSsl: props.allowUnverifiedSsl ?? false,
      user: this.user.stringValue,
      password: this.password.stringValue,
    });
  }
}
