package ui

import (
	"fmt"

	"github.com/charmbracelet/x/ansi"
)

func typeName(v any) string { return fmt.Sprintf("%T", v) }

func ansiStrip(s string) string { return ansi.Strip(s) }
