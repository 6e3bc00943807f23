namespace KeepOperator.LocalCluster.Tests;

/// <summary>The sample CRDs the tests install: cluster-scoped Widget and namespaced Gadget in test.keepoperator.io.</summary>
public static class TestCrds
{
    public const string Group = "test.keepoperator.io";
    public const string V1 = "v1";
    public const string Widgets = "widgets";
    public const string Gadgets = "gadgets";

    public const string WidgetCrd = """
        apiVersion: apiextensions.k8s.io/v1
        kind: CustomResourceDefinition
        metadata:
          name: widgets.test.keepoperator.io
        spec:
          group: test.keepoperator.io
          scope: Cluster
          names:
            plural: widgets
            singular: widget
            kind: Widget
            listKind: WidgetList
            shortNames: [wdg]
            categories: [keeptest]
          versions:
          - name: v1
            served: true
            storage: true
            subresources:
              status: {}
            additionalPrinterColumns:
            - name: Size
              type: integer
              jsonPath: .spec.size
            - name: Mode
              type: string
              jsonPath: .spec.mode
            - name: First-Address
              type: string
              jsonPath: .spec.addresses[0]
            - name: Backups
              type: string
              jsonPath: .status.backups[*]
            - name: Age
              type: date
              jsonPath: .metadata.creationTimestamp
            schema:
              openAPIV3Schema:
                type: object
                description: Widget is a test object of the local cluster.
                properties:
                  spec:
                    type: object
                    description: WidgetSpec is the desired state of a widget.
                    required: [size]
                    x-kubernetes-validations:
                    - rule: "!has(self.addresses) || size(self.addresses) > 0"
                      message: addresses may not be empty
                    properties:
                      vrid:
                        type: integer
                        x-kubernetes-validations:
                        - rule: self == oldSelf
                          message: vrid is immutable
                      size:
                        type: integer
                        minimum: 1
                        maximum: 254
                        description: Size of the widget, 1 to 254.
                      mode:
                        type: string
                        enum: [fast, slow]
                        default: fast
                        description: How the widget runs.
                      addresses:
                        type: array
                        maxItems: 3
                        items:
                          type: string
                          format: ipv4
                      priorities:
                        type: array
                        items:
                          type: object
                          required: [priority]
                          properties:
                            priority:
                              type: integer
                              minimum: 1
                              maximum: 254
                      extra:
                        type: object
                        x-kubernetes-preserve-unknown-fields: true
                  status:
                    type: object
                    properties:
                      backups:
                        type: array
                        items:
                          type: string
                      phase:
                        type: string
        """;

    public const string GadgetCrd = """
        apiVersion: apiextensions.k8s.io/v1
        kind: CustomResourceDefinition
        metadata:
          name: gadgets.test.keepoperator.io
        spec:
          group: test.keepoperator.io
          scope: Namespaced
          names:
            plural: gadgets
            singular: gadget
            kind: Gadget
            shortNames: [gdg]
            categories: [keeptest]
          versions:
          - name: v1
            served: true
            storage: true
            schema:
              openAPIV3Schema:
                type: object
                properties:
                  spec:
                    type: object
                    properties:
                      color:
                        type: string
                        pattern: '^[a-z]+$'
                        maxLength: 10
                  status:
                    type: object
                    properties:
                      ready:
                        type: boolean
        """;
}
