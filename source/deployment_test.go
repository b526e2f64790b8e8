package source

import (
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

func TestDeploymentOptions(t *testing.T) {
	dir := t.TempDir()
	params := filepath.Join(dir, "params.json")
	if err := os.WriteFile(params, []byte(`[{"ParameterKey":"Env","ParameterValue":"prod"},{"ParameterKey":"Team","ParameterValue":"a"}]`), 0o644); err != nil {
		t.Fatal(err)
	}
	d := Deployment{Vars: []string{"env=prod", "n="}, VarFiles: []string{"prod.tfvars"}, Workspace: "blue",
		Params: []string{"Team=b"}, ParamFiles: []string{params}}
	o, err := d.Options("111122223333", "eu-west-1")
	if err != nil {
		t.Fatal(err)
	}
	if o.Account != "111122223333" || o.Region != "eu-west-1" || o.Terraform.Workspace != "blue" || !reflect.DeepEqual(o.Terraform.VarFiles, []string{"prod.tfvars"}) {
		t.Errorf("options %+v", o)
	}
	if want := map[string]string{"env": "prod", "n": ""}; !reflect.DeepEqual(o.Terraform.Vars, want) {
		t.Errorf("vars %v, want %v", o.Terraform.Vars, want)
	}
	// --parameter wins over --parameters-file.
	if want := map[string]string{"Env": "prod", "Team": "b"}; !reflect.DeepEqual(o.CloudFormation.Parameters, want) {
		t.Errorf("parameters %v, want %v", o.CloudFormation.Parameters, want)
	}
	if got, want := d.Given(), []string{"--var", "--var-file", "--workspace", "--parameter", "--parameters-file"}; !reflect.DeepEqual(got, want) {
		t.Errorf("Given() = %v, want %v", got, want)
	}
	if got := (Deployment{}).Given(); got != nil {
		t.Errorf("Given() of nothing = %v", got)
	}
	for _, tt := range []struct {
		d    Deployment
		want string
	}{
		{Deployment{Vars: []string{"noequals"}}, `--var "noequals": expected NAME=VALUE`},
		{Deployment{Params: []string{"=x"}}, `--parameter "=x": expected KEY=VALUE`},
		{Deployment{ParamFiles: []string{filepath.Join(dir, "missing.json")}}, "--parameters-file: open"},
	} {
		if _, err := tt.d.Options("", ""); err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%+v: error %v, want it to contain %q", tt.d, err, tt.want)
		}
	}
}
