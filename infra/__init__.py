"""Everything that is not the application: ``aws/`` deploys it to AWS, ``local/`` runs it
on this machine with moto as the embedded AWS.  Neither is packaged into the Lambda zip."""
