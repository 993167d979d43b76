# escape=`
FROM mcr.microsoft.com/windows/servercore:ltsc2022
SHELL ["powershell", "-Command", "$ErrorActionPreference = 'Stop';"]
RUN New-Item -ItemType Directory C:\app ; `
    Set-Location C:\app
ADD app.zip C:\app\
ADD config.json C:\app\config.json
HEALTHCHECK NONE
CMD ["C:\\app\\app.exe"]
