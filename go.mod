module github.com/ecrguard/ecrguard

go 1.26
