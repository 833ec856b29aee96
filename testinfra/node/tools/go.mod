module rela.io/testinfra/relanode

go 1.24
