"""What deploys to AWS: the resource description (``stack``), the template and Lambda
package built from it (``template``, ``bytecode``), the deployment's steps (``deploy``,
``deploy.sh``) and the operator's commands (``ops``)."""
