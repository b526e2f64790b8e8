package main

import (
	"os"
	"strings"

	"github.com/spf13/pflag"

	"github.com/ecrguard/ecrguard/config"
	"github.com/ecrguard/ecrguard/internal/textenc"
	"github.com/ecrguard/ecrguard/source"
	"github.com/ecrguard/ecrguard/source/cloudformation"
	"github.com/ecrguard/ecrguard/source/terraform"
)

// iacFlags are the flags that describe the deployment of infrastructure as
// code: Terraform's -var, -var-file and workspace, CloudFormation's
// parameters. They are declared, parsed and turned into the readers'
// Options here, and nowhere else.
type iacFlags struct {
	vars, varFiles     []string
	workspace          string
	params, paramFiles []string
}

// add declares the flags.
func (o *iacFlags) add(f *pflag.FlagSet) {
	f.StringArrayVar(&o.vars, "var", nil, "Terraform: set a root module variable, NAME=VALUE as terraform plan -var takes it (repeatable)")
	f.StringArrayVar(&o.varFiles, "var-file", nil, "Terraform: read variables from a .tfvars file, as terraform plan -var-file (repeatable; a relative path is looked up in the scanned folders, then in each root module's folder)")
	f.StringVar(&o.workspace, "workspace", "", "Terraform: the workspace deployed to, the value of terraform.workspace (default: unknown)")
	f.StringArrayVar(&o.params, "parameter", nil, "CloudFormation: set a template parameter, KEY=VALUE (repeatable; wins over --parameters-file)")
	f.StringArrayVar(&o.paramFiles, "parameters-file", nil, "CloudFormation: read parameter values from a file as aws cloudformation deploy --parameter-overrides or create-stack --parameters take it (repeatable)")
}

// given names the flags that were given, for the modes they do not apply
// to.
func (o *iacFlags) given() []string {
	var out []string
	for _, f := range []struct {
		name string
		set  bool
	}{{"--var", len(o.vars) > 0}, {"--var-file", len(o.varFiles) > 0}, {"--workspace", o.workspace != ""}, {"--parameter", len(o.params) > 0}, {"--parameters-file", len(o.paramFiles) > 0}} {
		if f.set {
			out = append(out, f.name)
		}
	}
	return out
}

// iacInputs are the flags as the IaC readers take them.
type iacInputs struct {
	terraform      terraform.Options
	cloudformation cloudformation.Options
}

// inputs parses the flags: the account and region are the caller's to
// set.
func (o *iacFlags) inputs() (iacInputs, error) {
	in := iacInputs{terraform: terraform.Options{VarFiles: o.varFiles, Workspace: o.workspace}}
	var err error
	if in.terraform.Vars, err = keyValues(o.vars, "--var", "NAME=VALUE, as terraform plan -var takes it"); err != nil {
		return iacInputs{}, err
	}
	params := map[string]string{}
	for _, name := range o.paramFiles {
		data, err := readText(name)
		if err != nil {
			return iacInputs{}, usageError("--parameters-file: %v", err)
		}
		ps, err := cloudformation.ParseParameters(data, name)
		if err != nil {
			return iacInputs{}, usageError("--parameters-file: %v", err)
		}
		for k, v := range ps {
			params[k] = v
		}
	}
	given, err := keyValues(o.params, "--parameter", "KEY=VALUE, as aws cloudformation deploy --parameter-overrides takes it")
	if err != nil {
		return iacInputs{}, err
	}
	for k, v := range given {
		params[k] = v
	}
	if len(params) > 0 {
		in.cloudformation.Parameters = params
	}
	return in, nil
}

// readText reads a file named on the command line as UTF-8: a byte-order
// mark or UTF-16 is decoded (textenc), as in every input.
func readText(name string) ([]byte, error) {
	data, err := os.ReadFile(name)
	if err != nil {
		return nil, err
	}
	return textenc.Decode(data)
}

// keyValues parses KEY=VALUE flags; nil when there are none.
func keyValues(kvs []string, flag, want string) (map[string]string, error) {
	var out map[string]string
	for _, kv := range kvs {
		k, v, ok := strings.Cut(kv, "=")
		if !ok || k == "" {
			return nil, usageError("%s %q: expected %s", flag, kv, want)
		}
		if out == nil {
			out = map[string]string{}
		}
		out[k] = v
	}
	return out, nil
}

// sourceOptions are the input router's Options for the config and the
// IaC flags.
func sourceOptions(cfg *config.Config, in iacInputs) source.Options {
	return source.Options{Account: cfg.Account, Region: cfg.Region, Terraform: in.terraform, CloudFormation: in.cloudformation}
}
