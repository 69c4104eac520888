package eventhandler.packaging;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class TemplateValueReferencesTest {
  @Test
  void findsAbsoluteRelativeAndVariableReferences() {
    String template =
        """
        {{- /* .Values.inComment */ -}}
        {{ .Values.a.b | default "x.not.this" }} {{ $.Values.c }}
        {{- with .Values.d }}{{ .e.f }}{{ else }}{{ .Values.g }}{{ end }}
        {{- range .Values.h }}{{ .element }}{{ end }}
        {{- $v := .Values.i }}{{ $v.j }}{{ if $v.k }}{{ end }}
        {{ .Chart.Name }} {{ include "helper" . }} {{ printf "%s" .Values.l | int }} {{ 0.5 }}
        {{- define "helper" }}{{ .Values.m }}{{ end }}
        """;

    assertThat(TemplateValueReferences.find(template))
        .containsExactly(
            List.of("a", "b"),
            List.of("c"),
            List.of("d"),
            List.of("d", "e", "f"),
            List.of("g"),
            List.of("h"),
            List.of("i"),
            List.of("i", "j"),
            List.of("i", "k"),
            List.of("l"),
            List.of("m"));
  }

  @Test
  void forgetsVariablesReassignedToSomethingElse() {
    String template = "{{ $v := .Values.a }}{{ $v = required \"m\" .Values.b }}{{ $v.c }}";

    assertThat(TemplateValueReferences.find(template)).containsExactly(List.of("a"), List.of("b"));
  }
}
