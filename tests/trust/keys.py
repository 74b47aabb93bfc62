"""Public keys made with ssh-keygen and the fingerprints ``ssh-keygen -lf`` prints for them."""
ANA = ("ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAILpIsLFNsbYHH7BEv/vDoKb2oQyuXFBNoPLEu/opDL5y "
       "ana@desk1")
ANA_FP = "SHA256:f7edlsK6za7/avD3D5DdWOV0TH+xMPMH/eIoLw0IGVk"
BOB = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAID7BWaTSIvuErXRLTPywPNUnFT37017oom8uc2Z6ftkK bob"
BOB_FP = "SHA256:pqD7vZ9MaHsTi2wmWyiqTHK9OR0lbl5EPpaMWBaZOX0"
EC = ("ecdsa-sha2-nistp256 AAAAE2VjZHNhLXNoYTItbmlzdHAyNTYAAAAIbmlzdHAyNTYAAABBBNaGRjWnCSKY7rzgc"
      "ljvx2lfxa3SNpCh6TluzHyNYSI1380t4lGMUfSBUS219s+cSosbTt4r7mz4V8KlQJh8DsY= ec")
EC_FP = "SHA256:CsseFu+ta9Thb7inYawfcxVQFQNa+N3xcBGsoY+nO9U"
