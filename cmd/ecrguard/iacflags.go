package main

import (
	"github.com/spf13/pflag"

	"github.com/ecrguard/ecrguard/source"
)

// addDeploymentFlags declares the flags that describe the deployment of
// infrastructure as code (source.Deployment).
func addDeploymentFlags(f *pflag.FlagSet, d *source.Deployment) {
	f.StringArrayVar(&d.Vars, "var", nil, "Terraform: set a root module variable, NAME=VALUE as terraform plan -var takes it (repeatable)")
	f.StringArrayVar(&d.VarFiles, "var-file", nil, "Terraform: read variables from a .tfvars file, as terraform plan -var-file (repeatable; the path is looked up in the scanned folders, then in each root module's folder: a file elsewhere is not read)")
	f.StringVar(&d.Workspace, "workspace", "", "Terraform: the workspace deployed to, the value of terraform.workspace (default: unknown)")
	f.StringArrayVar(&d.Params, "parameter", nil, "CloudFormation: set a template parameter, KEY=VALUE (repeatable; wins over --parameters-file)")
	f.StringArrayVar(&d.ParamFiles, "parameters-file", nil, "CloudFormation: read parameter values from a file as aws cloudformation deploy --parameter-overrides or create-stack --parameters take it (repeatable)")
}
