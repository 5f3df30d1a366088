#!/usr/bin/env bash
# Prints the demo logins (defined in the addons' demo data).
port=${1:-8069}
database=${2:-collectivite_demo}
cat <<MSG

  Démo collectivite-odoo : http://localhost:${port}  (base ${database})

  Rôle                          Identifiant                    Mot de passe
  Administrateur                admin                          admin
  Manager (Pontoise et Cergy)   manager                        manager
  Agent (Pontoise)              agent                          agent
  Agent (Cergy)                 agent.cergy                    agent.cergy
  Usager (portail)              camille.martin@example.org     camille
  Usager (portail)              karim.benali@example.org       karim
  Référente support (portail)   rose.dupuis@example.org        rose

MSG
