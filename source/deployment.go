package source

import (
	"fmt"
	"strings"

	"github.com/ecrguard/ecrguard/internal/textenc"
	"github.com/ecrguard/ecrguard/source/cloudformation"
	"github.com/ecrguard/ecrguard/source/terraform"
)

// Deployment describes how the infrastructure as code is deployed, as the
// command line says it (each field is the flag of the same name): Terraform's
// -var, -var-file and workspace, CloudFormation's parameters.
type Deployment struct {
	// Vars are --var NAME=VALUE, as terraform plan -var takes them.
	Vars []string
	// VarFiles are --var-file .tfvars files.
	VarFiles []string
	// Workspace is --workspace, the value of terraform.workspace.
	Workspace string
	// Params are --parameter KEY=VALUE; they win over ParamFiles.
	Params []string
	// ParamFiles are --parameters-file files, as aws cloudformation deploy
	// --parameter-overrides or create-stack --parameters take them.
	ParamFiles []string
}

// Given names the flags that were given, for the modes they do not apply
// to.
func (d Deployment) Given() []string {
	var out []string
	for _, f := range []struct {
		name string
		set  bool
	}{{"--var", len(d.Vars) > 0}, {"--var-file", len(d.VarFiles) > 0}, {"--workspace", d.Workspace != ""}, {"--parameter", len(d.Params) > 0}, {"--parameters-file", len(d.ParamFiles) > 0}} {
		if f.set {
			out = append(out, f.name)
		}
	}
	return out
}

// Options parses the deployment into the router's Options for inputs that
// account and region own. An error names the flag and what it expected.
func (d Deployment) Options(account, region string) (Options, error) {
	o := Options{Account: account, Region: region,
		Terraform: terraform.Options{VarFiles: d.VarFiles, Workspace: d.Workspace}}
	var err error
	if o.Terraform.Vars, err = keyValues(d.Vars, "--var", "NAME=VALUE, as terraform plan -var takes it"); err != nil {
		return Options{}, err
	}
	params := map[string]string{}
	for _, name := range d.ParamFiles {
		data, err := textenc.ReadFile(name)
		if err != nil {
			return Options{}, fmt.Errorf("--parameters-file: %w", err)
		}
		ps, err := cloudformation.ParseParameters(data, name)
		if err != nil {
			return Options{}, fmt.Errorf("--parameters-file: %w", err)
		}
		for k, v := range ps {
			params[k] = v
		}
	}
	given, err := keyValues(d.Params, "--parameter", "KEY=VALUE, as aws cloudformation deploy --parameter-overrides takes it")
	if err != nil {
		return Options{}, err
	}
	for k, v := range given {
		params[k] = v
		o.ParameterFlags = append(o.ParameterFlags, k)
	}
	if len(params) > 0 {
		o.CloudFormation.Parameters = params
	}
	return o, nil
}

// keyValues parses KEY=VALUE flags; nil when there are none.
func keyValues(kvs []string, flag, want string) (map[string]string, error) {
	var out map[string]string
	for _, kv := range kvs {
		k, v, ok := strings.Cut(kv, "=")
		if !ok || k == "" {
			return nil, fmt.Errorf("%s %q: expected %s", flag, kv, want)
		}
		if out == nil {
			out = map[string]string{}
		}
		out[k] = v
	}
	return out, nil
}
